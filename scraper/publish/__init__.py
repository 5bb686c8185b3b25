"""Publishing: approved items as RSS, Atom, JSON Feed and a News & Updates page.

``model`` turns stored items into sanitised ``PublicItem`` records; ``feeds``
and ``page`` render them; ``site`` lays out every file of the public site from
one list of items; ``web`` serves that site and ``export`` writes it to a
folder. Served and exported files are the same bytes, built by one function.
"""
