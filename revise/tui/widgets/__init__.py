"""Widgets of the app: answer forms per question type, bars and the review heatmap."""
