"""Views: the HTML report and the interactive network view."""
