"""A QR code as the outline of its merged modules: closed loops around each connected region of modules, so the
code is one path with no hairline seams between modules, and no double cut where two modules touch.

Each loop goes round its region with the region on its right (in page coordinates, y down): outer loops run
clockwise and holes anticlockwise, so the nonzero and even-odd fill rules (SVG, DXF hatches) fill the same area.
"""

from collections.abc import Sequence

Loop = list[tuple[int, int]]  # corners of a loop, in modules from the grid's top left


def merged_loops(grid: Sequence[Sequence[bool]], dark: bool = True) -> list[Loop]:
    """The outlines of the modules equal to `dark` (False: the light ones, quiet zone included), merged."""
    rows, cols = len(grid), len(grid[0])

    def filled(x: int, y: int) -> bool:
        return 0 <= y < rows and 0 <= x < cols and grid[y][x] == dark

    # Each cell's sides that face an unfilled cell, directed clockwise round the cell: the cell is on their right.
    outgoing: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for y in range(rows):
        for x in range(cols):
            if not filled(x, y):
                continue
            for neighbour, start, end in (((x, y - 1), (x, y), (x + 1, y)), ((x + 1, y), (x + 1, y), (x + 1, y + 1)),
                                          ((x, y + 1), (x + 1, y + 1), (x, y + 1)), ((x - 1, y), (x, y + 1), (x, y))):
                if not filled(*neighbour):
                    outgoing.setdefault(start, []).append(end)
    loops = []
    while outgoing:
        start = next(iter(outgoing))
        loop, point, heading = [start], start, None
        while True:
            ends = outgoing[point]
            end = _turn_right(ends, point, heading) if len(ends) > 1 else ends[0]
            ends.remove(end)
            if not ends:
                del outgoing[point]
            heading = (end[0] - point[0], end[1] - point[1])
            point = end
            if point == start:
                break
            loop.append(point)
        loops.append(_corners(loop))
    return loops


def _turn_right(ends: list[tuple[int, int]], point: tuple[int, int], heading: tuple[int, int] | None
                ) -> tuple[int, int]:
    """At a corner where two regions touch diagonally, turn towards the region on the right: the loops stay apart."""
    if heading is None:
        return ends[0]
    right = (-heading[1], heading[0])  # heading turned a quarter clockwise on a y-down page
    wanted = (point[0] + right[0], point[1] + right[1])
    return wanted if wanted in ends else ends[0]


def _corners(loop: Loop) -> Loop:
    """`loop` without the points in the middle of a straight side."""
    kept = []
    count = len(loop)
    for index, (x, y) in enumerate(loop):
        before, after = loop[index - 1], loop[(index + 1) % count]
        if not ((before[0] == x == after[0]) or (before[1] == y == after[1])):
            kept.append((x, y))
    return kept
