"""The app's screens: home, practice (with feedback and summary), chapters, study, statistics, settings, dialogs."""
