"""Pure analytics on pandas objects: no Flask, no SQLAlchemy."""
