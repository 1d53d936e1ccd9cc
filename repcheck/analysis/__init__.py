"""Form analysis on a cleaned :class:`~repcheck.pose.landmarks.LandmarkSeries`.

numpy/scipy only. The stages run in this order, each a small module:
``body`` (scale, camera cuts) -> ``view`` (side/front/oblique, facing side) ->
``lift_detect`` (which lift) -> ``reps`` (segmentation of the primary motion) ->
``checks`` (per-lift rules as data, producing ``findings``) -> ``pipeline`` (ties it
together and builds the versioned JSON document).
"""
