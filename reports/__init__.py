"""Document builders: data in, bytes out. No Flask request, no database session."""
