import { Box, type BoxProps } from "@saleor/macaw-ui";

// macaw-ui has no table component: tables are built from Box, as Saleor's own apps do.
export function Table(props: BoxProps) {
  return <Box as="table" width="100%" style={{ borderCollapse: "collapse" }} {...props} />;
}

export function THead(props: BoxProps) {
  return <Box as="thead" {...props} />;
}

export function TBody(props: BoxProps) {
  return <Box as="tbody" {...props} />;
}

export function TR(props: BoxProps) {
  return <Box as="tr" borderBottomStyle="solid" borderBottomWidth={1} borderColor="default1" {...props} />;
}

export function TH(props: BoxProps) {
  return <Box as="th" textAlign="left" paddingY={2} paddingX={3} fontWeight="medium" {...props} />;
}

export function TD(props: BoxProps) {
  return <Box as="td" paddingY={2} paddingX={3} {...props} />;
}
