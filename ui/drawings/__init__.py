"""The app's QPainter pictures, by theme; ``ui.illustrations`` keys and shows them.

``kit`` holds the shared shapes (a leg, a hand, arrows, the tick and the cross);
``donning_steps`` the pictures of putting stockings on and caring for them;
``donning_rules`` the rules drawn as the wrong way beside the right way;
``warnings`` the signs to take them off; ``guidance`` the mat and the measuring guidance;
``purposes`` the purposes and the attract screen.
"""
