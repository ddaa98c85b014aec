"""Facets over the whole claims table from the counts the store keeps, not from a million rows.

The shipped metadata configures the claims table's facets as ``{"counted": "stance"}``. On the
unfiltered table, while ``claim_facet_counts`` is current, their values and counts are read from
it; filtered, or while the counts are being refreshed, they are counted as Datasette's column
facets count them. Either way the results are the same.
"""

import sqlite3

from datasette.facets import ColumnFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from .. import store
from ..store import queries


class CountedColumnFacet(ColumnFacet):
    type = "counted"

    def _whole_table(self) -> bool:
        """True for the facets of the table page with no filter, search or where clause."""
        return (self.table == "claims" and not self.params
                and self.sql.rstrip().endswith(" from " + escape_sqlite(self.table)))

    async def _stored_counts(self, columns: list[str]) -> dict[str, list] | None:
        """The top values and counts of ``columns``, or None when the counts are not current.

        One statement, so one snapshot: an extract emptying the counts cannot fall in between.
        """
        sql, params = queries.stored_facet_counts(columns, self.get_facet_size() + 1)
        try:
            rows = (await self.ds.execute(self.database, sql, params)).rows
        except sqlite3.Error:  # a database without the counts (not migrated): count in the table
            return None
        if not any(r[0] == "" for r in rows):
            return None
        found: dict[str, list] = {column: [] for column in columns}
        for column, value, n, _ in sorted((r for r in rows if r[0] != ""), key=lambda r: (r[0], r[3])):
            found[column].append({"value": value, "count": n})
        return found

    async def facet_results(self):
        configs = self.get_configs()
        columns = [c["config"].get("column") or c["config"]["simple"] for c in configs]
        stored = None
        if self._whole_table() and set(columns) <= set(store.FACET_COLUMNS):
            stored = await self._stored_counts(columns)
        if stored is not None:
            results = [await self._stored(c, column, stored[column]) for c, column in zip(configs, columns)]
            timed_out = []
        else:
            results, timed_out = await super().facet_results()
        for result in results:  # shown and served as the column facets they are
            result["type"] = "column"
            result["toggle_url"] = self.ds.urls.path(
                path_with_removed_args(self.request, {"_facet_" + self.type: result["name"]}))
        return results, timed_out

    async def _stored(self, config: dict, column: str, rows: list[dict]) -> dict:
        """The facet as ColumnFacet.facet_results gives it, from the stored counts."""
        facet_size = self.get_facet_size()
        shown = rows[:facet_size]
        expanded = await self.ds.expand_foreign_keys(
            self.database, self.table, column, [r["value"] for r in shown])
        column_qs = f"{column}__exact" if column.startswith("_") else column
        return {
            "name": column,
            "hideable": config["source"] != "metadata",
            "results": [
                {
                    "value": r["value"],
                    "label": expanded.get((column, r["value"]), r["value"]),
                    "count": r["count"],
                    "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(
                        path_with_added_args(self.request, {column_qs: r["value"]}))),
                    "selected": False,  # nothing is selected on the unfiltered table
                }
                for r in shown
            ],
            "truncated": len(rows) > facet_size,
        }
