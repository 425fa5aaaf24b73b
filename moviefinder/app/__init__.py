"""One function per command, returning frozen results, over a Context (settings, the
encoder factory, the screen's ears) that tests build with the fake encoder."""
