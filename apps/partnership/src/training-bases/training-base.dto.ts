import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { INVESTMENT_SOURCES, InvestmentSource, Sector, SECTORS } from '@chanjiao/contracts';
import { IsCalendarDate, IsEntityId, viewMapper } from '@chanjiao/edge';
import { IsMoney } from '../common/validators';

export class PutTrainingBaseDto {
  @ApiProperty({ example: '纺织实训中心' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ example: 'productive', description: 'Kind of base as the college classifies it (e.g. on_campus, off_campus, productive)' })
  @IsString()
  @Length(1, 100)
  kind!: string;
  @ApiPropertyOptional({ enum: SECTORS }) @IsOptional() @IsIn(SECTORS) sector?: Sector;
}

export class TrainingBaseBatchItemDto extends PutTrainingBaseDto {
  @ApiProperty({ example: 'TB-01' }) @IsEntityId() baseId!: string;
}

export class InvestmentDto {
  @ApiProperty({ example: 'INV-2021-001' }) @IsEntityId() investmentId!: string;
  @ApiProperty({ example: '403000000.00', description: 'CNY as a decimal string (at most two decimals); never a float' })
  @IsMoney()
  amount!: string;
  @ApiProperty({ enum: INVESTMENT_SOURCES }) @IsIn(INVESTMENT_SOURCES) source!: InvestmentSource;
  @ApiProperty({ example: '2021-06-30' }) @IsCalendarDate() date!: string;
}

export class InvestmentBatchItemDto extends InvestmentDto {
  @ApiProperty({ example: 'TB-01' }) @IsEntityId() baseId!: string;
}

export class TrainingBaseView {
  @ApiProperty() baseId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() kind!: string;
  @ApiProperty({ enum: SECTORS, nullable: true }) sector!: Sector | null;
  @ApiProperty({ description: 'Sequence of the latest event about this base' }) version!: number;
}

export class InvestmentView {
  @ApiProperty() baseId!: string;
  @ApiProperty() investmentId!: string;
  @ApiProperty({ example: '403000000.00' }) amount!: string;
  @ApiProperty({ enum: INVESTMENT_SOURCES }) source!: InvestmentSource;
  @ApiProperty() date!: string;
}

export const toTrainingBaseView = viewMapper(TrainingBaseView, ['baseId', 'name', 'kind', 'sector', 'version']);
export const toInvestmentView = viewMapper(InvestmentView, ['baseId', 'investmentId', 'amount', 'source', 'date']);
