"""Reports for managers and residents: trends, flag review, a map, a wijkteam year plan, open pages.

``data`` is the one thin reader (the warehouse opened read-only); ``trends``, ``review``, ``maps``,
``openpages`` and ``jaarplan`` are pure (frames in, frames or HTML out); ``charts`` and ``svg`` draw;
``render`` turns an executed notebook into a self-contained page; ``build`` writes the files.
"""
