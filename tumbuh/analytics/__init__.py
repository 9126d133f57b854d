"""Monthly figures of growth monitoring: SKDN with its ratios, and prevalence by area and month
among the children measured, with the number measured and the coverage beside it."""
