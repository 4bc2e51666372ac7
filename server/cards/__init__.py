"""Cards handed out on the floor (VIP experience cards, business cards, brochures) and the branch stock of serials."""
