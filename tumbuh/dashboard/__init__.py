"""The city dashboard: headline figures, monthly trends, a choropleth map by kelurahan and the
convergence scorecard.
"""
