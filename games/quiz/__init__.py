"""The quiz game type: questions from the content banks, answers shuffled, feedback each step."""
