"""The infrastructure inventory (road segments as the regent's decree sets them, bridges, drainage) with
each item's condition surveys, and the projects that work on them."""
