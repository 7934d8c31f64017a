"""`legfit mat` and `legfit board`: the printable floor mat and calibration board.

    legfit mat --out mat.pdf [--tiles a4 a3 | --tiles none] [--png]
    legfit mat --out mat.png
    legfit board --out board.pdf [--board SPEC] [--paper a4|a3|fit] [--png]

The mat PDF is one large-format page at exact scale; beside it go tiled versions
(``mat-tiled-a4.pdf`` ...) for office printers, with crop and alignment marks. Print at
100 % ("actual size") and check the printed 100 mm bar with a ruler.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser("mat", help="write the printable floor mat (PDF and PNG)")
    m.add_argument("--out", required=True, type=Path, metavar="FILE",
                   help="mat.pdf (plus tiled PDFs beside it) or mat.png")
    m.add_argument("--tiles", nargs="+", default=["a4"], choices=["a4", "a3", "none"],
                   help="paper sizes for the tiled versions (default a4)")
    m.add_argument("--png", action="store_true", help="also write a PNG for screens")
    m.set_defaults(handler=_mat)

    b = sub.add_parser("board", help="write a ChArUco calibration board (PDF or PNG)")
    b.add_argument("--out", required=True, type=Path, metavar="FILE")
    b.add_argument("--board", default=None, metavar="SPEC",
                   help="board spec (default charuco:9x6:40:30:DICT_5X5_100)")
    b.add_argument("--paper", default="a3", choices=["a4", "a3", "fit"],
                   help="paper size, or 'fit' for a page just around the board")
    b.add_argument("--png", action="store_true", help="also write a PNG")
    b.set_defaults(handler=_board)


def _check_suffix(out: Path) -> None:
    from fitting.errors import InputInvalid

    if out.suffix.lower() not in (".pdf", ".png"):
        raise InputInvalid(f"--out {out} must end in .pdf or .png")


def _mat(args: argparse.Namespace) -> int:
    from calibration.mat import load_mat_spec
    from calibration.printables import write_mat

    _check_suffix(args.out)
    tiles = tuple(t for t in args.tiles if t != "none")
    for path in write_mat(load_mat_spec(), args.out, tiles=tiles, png=args.png):
        print(f"written {path}")
    print("print at 100 % (actual size) and check the 100 mm bar with a ruler")
    return 0


def _board(args: argparse.Namespace) -> int:
    from calibration.boards import parse_board_spec
    from calibration.printables import DEFAULT_BOARD, write_board

    _check_suffix(args.out)
    spec = parse_board_spec(args.board or DEFAULT_BOARD)
    paper = None if args.paper == "fit" else args.paper
    for path in write_board(spec, args.out, paper=paper, png=args.png):
        print(f"written {path}")
    print(f"calibrate with: legfit calibrate intrinsics --board {spec} ...")
    return 0
