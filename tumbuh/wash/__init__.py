"""Water and sanitation: each household's drinking water, latrine and wastewater; upgrade projects;
coverage.
"""
