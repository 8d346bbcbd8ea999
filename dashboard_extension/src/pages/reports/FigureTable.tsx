import { Table, TBody, TD, TH, THead, TR } from "../../ui/table";

export interface Column<Row> {
  key: string;
  label: string;
  value: (row: Row) => string;
}

/** The numbers beside a chart: one row per bucket (or plan, or horizon), the API's figures as they are. */
export function FigureTable<Row>({ rows, columns }: { rows: readonly Row[]; columns: readonly Column<Row>[] }) {
  return (
    <Table data-figures>
      <THead>
        <TR>
          {columns.map((column) => (
            <TH key={column.key} scope="col">
              {column.label}
            </TH>
          ))}
        </TR>
      </THead>
      <TBody>
        {rows.map((row, index) => (
          <TR key={index}>
            {columns.map((column) => (
              <TD key={column.key} data-figure={column.key}>
                {column.value(row)}
              </TD>
            ))}
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
