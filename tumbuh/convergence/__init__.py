"""Convergence: for each child at risk, which interventions reached the child and the family,
which are missing; per kelurahan, the coverage of each among those eligible."""
