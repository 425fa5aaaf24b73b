"""The only floor that draws: rich tables, JSON shapes, progress bars and the one-line
error. It reads result objects and computes nothing of its own."""
