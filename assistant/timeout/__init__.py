"""The time out: stop a heated moment from anywhere, breathe, cool off, and come back calmly.

- `breathing`: the breathing cue schedule and its rendering into one sample-accurate clip of soft tones.
- `cooloff`: cool-off length, the quiet wait that ignores distractor speech, agreed return times.
- `bargein`: listening for the time-out/stop phrases while the assistant speaks (rejecting its own voice).
- the time-out flow itself is an activity: assistant.activities.timeout.
"""
