"""Small shared helpers with no Django models: environment, database URL, dates, catalogues."""
