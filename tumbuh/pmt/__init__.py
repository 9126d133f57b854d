"""Supplementary feeding (PMT): eligibility, enrolment, daily deliveries, closure with an outcome,
figures.
"""
