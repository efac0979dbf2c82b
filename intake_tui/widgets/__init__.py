"""The clerk terminal's widgets: each shows what its screen hands it, and posts up."""
