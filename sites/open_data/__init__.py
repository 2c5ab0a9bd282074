"""Open data (issue 23): the published sites, their photos, the journeys and the daily visit totals as a
Frictionless Data Package (https://specs.frictionlessdata.io), served at /api/open-data/ and written by
`diachido export-open-data DIR` from the same code (`package.open_data_file`)."""
