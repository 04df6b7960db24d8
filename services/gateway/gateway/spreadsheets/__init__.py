"""Spreadsheets (docs/api.md "Spreadsheets"): programmes as CSV, exported and imported back."""
