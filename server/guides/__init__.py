"""What a customer needs to bring for each business (step 6 of the seven, 辅), editable per branch."""
