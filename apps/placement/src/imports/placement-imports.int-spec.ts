import ExcelJS from 'exceljs';
import { startStack, TestStack } from '@chanjiao/test-support';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The careers office's destinations sheet, as it keeps it: Chinese titles, 毕业去向 labels, Chinese and serial dates. */
describe('placement spreadsheet imports (real PostgreSQL)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ services: ['placement'] });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('imports destinations written with Chinese labels (合同就业, 灵活就业, 升学), 是/否 and Excel dates', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('2022届毕业去向');
    sheet.addRow(['学号', '毕业年份', '专业代码', '毕业去向', '去向细类', '单位名称', '所属产业', '落实日期', '是否核实']);
    sheet.addRow(['D2022001', 2022, '460103', '合同就业', '签劳动合同形式就业', '新疆中泰化学股份有限公司', '化工材料', 44804, '是']);
    sheet.addRow(['D2022002', 2022, '460103', '靈活就業', '自由職業', '', '', '2022年9月1日', '否']);
    sheet.addRow(['D2022003', 2022, '460103', '升学', '专升本', '', '', '2022/9/10', '是']);
    sheet.addRow(['D2022004', 2022, '460103', '合同就业', '专升本', '', '', '2022/9/10', '是']);
    const res = await fetch(`${stack.urls.placement}/imports/destinations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.writerKey}`, 'content-type': XLSX },
      body: Buffer.from(await wb.xlsx.writeBuffer()),
    });
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ status: 'completed', rows: { created: 3, failed: 1 } });
    // A detail of another category: named in Chinese by the title as written.
    expect(body.errors).toEqual([
      expect.objectContaining({ row: 5, column: 'detail', title: '去向细类', message_zh: expect.stringMatching(/^第 5 行「去向细类」：/) }),
    ]);
    const api = stack.api('placement');
    expect((await api.get('/destinations/D2022001')).body).toMatchObject({
      category: 'contract',
      detail: 'labor_contract',
      sector: 'chemical_materials',
      effectiveDate: '2022-08-31',
      verified: true,
    });
    expect((await api.get('/destinations/D2022002')).body).toMatchObject({
      category: 'flexible',
      detail: 'freelance',
      effectiveDate: '2022-09-01',
      verified: false,
    });
    expect((await api.get('/destinations/D2022003')).body).toMatchObject({ category: 'further_study', detail: 'upgrade_to_bachelor' });
  });
});
