"""A fontTools pen that flattens a glyph's curves into polygons (qr/engraving/glyphs.py); its own module, so
fontTools is imported only where outlines are drawn (the print process), never by the server (issue 27)."""

import math

from fontTools.pens.basePen import BasePen


class FlatteningPen(BasePen):
    """Collects contours as polygons, each curve cut into as few straight pieces as keep it within `tolerance`."""

    def __init__(self, glyph_set, tolerance: float):
        super().__init__(glyph_set)
        self.tolerance = tolerance
        self.contours: list[list[tuple[float, float]]] = []

    def _moveTo(self, pt):
        self.contours.append([pt])

    def _lineTo(self, pt):
        self.contours[-1].append(pt)

    def _qCurveToOne(self, pt1, pt2):
        p0 = self._getCurrentPoint()
        bend = math.dist((0, 0), (p0[0] - 2 * pt1[0] + pt2[0], p0[1] - 2 * pt1[1] + pt2[1])) / 4
        steps = max(1, math.ceil(math.sqrt(bend / self.tolerance)))
        for step in range(1, steps + 1):
            t = step / steps
            u = 1 - t
            self.contours[-1].append((u * u * p0[0] + 2 * u * t * pt1[0] + t * t * pt2[0],
                                      u * u * p0[1] + 2 * u * t * pt1[1] + t * t * pt2[1]))

    def _curveToOne(self, pt1, pt2, pt3):
        p0 = self._getCurrentPoint()
        bend = 0.75 * max(math.dist((0, 0), (p0[0] - 2 * pt1[0] + pt2[0], p0[1] - 2 * pt1[1] + pt2[1])),
                          math.dist((0, 0), (pt1[0] - 2 * pt2[0] + pt3[0], pt1[1] - 2 * pt2[1] + pt3[1])))
        steps = max(1, math.ceil(math.sqrt(bend / self.tolerance)))
        for step in range(1, steps + 1):
            t = step / steps
            u = 1 - t
            self.contours[-1].append(tuple(u ** 3 * a + 3 * u * u * t * b + 3 * u * t * t * c + t ** 3 * d
                                           for a, b, c, d in zip(p0, pt1, pt2, pt3, strict=True)))

    def _closePath(self):
        contour = self.contours[-1]
        if len(contour) > 1 and contour[0] == contour[-1]:
            contour.pop()

    _endPath = _closePath
