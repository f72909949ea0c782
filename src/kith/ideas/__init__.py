"""Ideas: customers as co-innovators. Suggestions become Ideas on a board that product design owns.

A conversation whose intent is "suggestion" is matched against existing ideas by text similarity: close
enough, it is one more mention (a vote) of that idea; otherwise a new idea. Every person who raised an
idea is remembered through the mention, so when it ships they can be told through their preferred
channel.
"""
