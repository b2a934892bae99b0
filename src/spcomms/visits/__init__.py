"""Country visits, visit requests, standing invitations and recommendations."""
