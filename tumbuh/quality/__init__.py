"""The data-quality scorecard: how well each posyandu and cadre measures, month by month."""
