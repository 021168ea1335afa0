"""visualize."""
