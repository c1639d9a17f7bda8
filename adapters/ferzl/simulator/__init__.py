"""The simulated ФЕРЗЛ: the federal register, its SOAP services and errors on demand."""
