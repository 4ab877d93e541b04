"""The TUI's modal screens: key help and the file picker."""
