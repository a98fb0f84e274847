"""Audio edges: sources (microphone, WAV, scripted) and sinks (speaker, WAV, text)."""
