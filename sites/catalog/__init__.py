"""What the content says and how it is loaded: sites, journeys, languages, quizzes, narration."""
