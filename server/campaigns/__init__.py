"""The branch's products of the month: a short list the supervisor sets, with the key points to say."""
