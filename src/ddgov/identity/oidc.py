"""One ID: the claims ddgov's OpenID Connect provider releases, scope by scope.

Agency systems sign people in through ddgov. The citizen ID is personal data, so it is released
only under the explicit ``thai_id`` scope; staff roles only under ``agencies``.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from ddgov.identity.models import User
from ddgov.identity.selectors import person_for_user, user_memberships


class OneIdValidator(OAuth2Validator):  # type: ignore[misc]
    """Adds ddgov's claims to ID tokens and the userinfo endpoint."""

    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "th_citizen_id": "thai_id",
        "agencies": "agencies",
        "user_kind": "profile",
    }

    #: Every claim ``get_additional_claims`` can produce, plus ``sub``.
    released_claims = (
        "sub",
        "name",
        "given_name",
        "family_name",
        "preferred_username",
        "locale",
        "user_kind",
        "email",
        "th_citizen_id",
        "agencies",
    )

    def get_discovery_claims(self, request: Any) -> list[str]:  # noqa: ARG002 (DOT's signature)
        """List the claims One ID releases, for ``claims_supported`` in discovery.

        DOT can only work this out itself when ``get_additional_claims`` ignores the request;
        ours needs the user, so without this the document would advertise ``sub`` alone.
        """
        return list(self.released_claims)

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        """Return every claim ddgov knows; the base class filters them by granted scope."""
        user: User = request.user
        claims: dict[str, Any] = {
            "preferred_username": user.username
            if user.is_government_staff
            else f"citizen-{user.pk}",
            "locale": user.preferred_language,
            "user_kind": user.kind,
            "email": user.email,
        }
        person = person_for_user(user=user)
        if person is not None:
            claims.update(
                {
                    "given_name": person.first_name_th,
                    "family_name": person.last_name_th,
                    "name": f"{person.first_name_th} {person.last_name_th}",
                    "th_citizen_id": person.citizen_id,
                }
            )
        else:
            claims.update(
                {
                    "given_name": user.first_name,
                    "family_name": user.last_name,
                    "name": user.get_full_name() or user.username,
                }
            )
        if user.is_government_staff:
            claims["agencies"] = [
                {"code": m.agency.code, "role": m.role} for m in user_memberships(user=user)
            ]
        return claims
