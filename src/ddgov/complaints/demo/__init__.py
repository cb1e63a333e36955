"""Demo data of the 1111 complaint centre (see :mod:`.seed`) and a small real Traffy slice."""
