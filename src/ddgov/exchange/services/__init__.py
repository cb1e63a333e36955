"""The exchange's write side: registry, access rights, consent, dataset-backed calls, message log.

Import the functions from their modules (``ddgov.exchange.services.registry`` and so on); this
package re-exports nothing, so importing one part never loads the others.
"""
