// Sorting a table by a column, as every list of the window does: a click on a column's name sorts
// by it upwards, a second click downwards. A sort is the column's key, `-key` for downwards, "" for
// the table's own order.

/** The sort after a click on `key`. With `back` (the communes' tables' «Xã»), a third click on
 * that column goes back to the table's own order. */
export function nextSort(sort: string, key: string, back?: string): string {
  if (back !== undefined && key === back && sort === `-${back}`) return "";
  return sort === key ? `-${key}` : key;
}

/** The arrow after a column's name: ▲ sorted upwards by it, ▼ downwards, nothing otherwise. */
export function sortArrow(sort: string, key: string): string {
  if (sort === key) return " ▲";
  if (sort === `-${key}`) return " ▼";
  return "";
}
