"""The Folium map of sites and their visit counts: the base map is built once, the counts are fetched."""
