"""Danger detection, crisis resources and the resume rule after a safety stop (issue 12).

- `DangerDetector.load(dialogs_dir, partners).assess(text) -> Verdict(level, category)`: offline and
  explainable, from dialogs/safety_lexicon.yaml; `shared_detector` / `warm`: one per process, compiled in the
  background.
- `resources_text(country)`, `help_line_text(country)`: never raise, never empty.
- `resume_policy(category)`: what it takes to resume after a safety stop.
"""

from assistant.danger.detector import DangerDetector, Hit, Verdict
from assistant.danger.resources import LAST_RESORT, help_line_text, resources_text
from assistant.danger.resume import ResumePolicy, resume_policy
from assistant.danger.shared import shared_detector, warm

__all__ = ["LAST_RESORT", "DangerDetector", "Hit", "ResumePolicy", "Verdict", "help_line_text", "resources_text",
           "resume_policy", "shared_detector", "warm"]
