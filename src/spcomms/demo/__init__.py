"""The synthetic demonstration dataset and its calibration."""
