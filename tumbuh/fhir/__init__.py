"""FHIR R4 export of patients and growth observations as a Bundle for SATUSEHAT.
"""
