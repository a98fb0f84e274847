"""Text-to-speech: pyttsx3 (espeak-ng) rendered to audio the program plays itself."""
