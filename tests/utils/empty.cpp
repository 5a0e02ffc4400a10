// Keeps the test-utils library non-empty while it has no other source.
