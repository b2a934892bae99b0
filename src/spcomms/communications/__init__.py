"""Communications (UA, AL, OL), their mandates, addressees, named persons and replies."""
