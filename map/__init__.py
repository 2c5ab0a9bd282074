"""The Folium map of sites and their visit counts. Filled by the map issue."""
