"use strict";
// Sortable tables. The page is complete without this script: tables keep the order the report
// chose (most urgent first); with it, a click on a column header sorts by that column.
// Numeric and date cells carry their exact value in data-sort; n/a cells always sort last.
(function () {
  function sortKey(cell, numeric) {
    if (cell.classList.contains("na")) {
      return null;
    }
    var raw = cell.getAttribute("data-sort");
    if (numeric) {
      return raw === null ? null : parseFloat(raw);
    }
    return raw === null ? cell.textContent.trim().toLowerCase() : raw;
  }

  function compare(a, b, ascending) {
    if (a === null || b === null) {
      return a === b ? 0 : a === null ? 1 : -1;
    }
    var order = typeof a === "number" ? a - b : a.localeCompare(b);
    return ascending ? order : -order;
  }

  function sortBy(table, header, column) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(header.parentNode.cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var numeric = header.classList.contains("num");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, index) {
      return { row: row, index: index, key: sortKey(row.cells[column], numeric) };
    });
    rows.sort(function (a, b) {
      return compare(a.key, b.key, ascending) || a.index - b.index;
    });
    rows.forEach(function (item) {
      body.appendChild(item.row);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (header.firstChild) {
        button.appendChild(header.firstChild);
      }
      header.appendChild(button);
      button.addEventListener("click", function () {
        sortBy(table, header, column);
      });
    });
  });
})();
