import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { ID_PATTERN } from '@chanjiao/contracts';
import { IsCalendarDate, IsEntityId, IsYear, viewMapper } from '@chanjiao/edge';

export class CreateCertificatePilotDto {
  @ApiProperty({ example: '1X-2022-01' }) @IsEntityId() pilotId!: string;
  @ApiProperty({ example: '工业机器人操作与运维' }) @IsString() @Length(1, 200) certificate!: string;
  @ApiPropertyOptional({ example: '中级' }) @IsOptional() @IsString() @Length(1, 50) level?: string;
  @ApiProperty({ example: 'E001', description: 'The certificate body (PUT /partners/{partnerId} first)' }) @IsEntityId() partnerId!: string;
  @ApiProperty({ type: [String], example: ['460103'] })
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @Matches(ID_PATTERN, { each: true, message: 'each of programCodes must be 1-64 letters, digits, ".", "_", ":" or "-"' })
  programCodes!: string[];
  @ApiProperty({ example: '2022-03-01' }) @IsCalendarDate() launchedOn!: string;
}

export class PilotResultsDto {
  @ApiProperty({ example: 2022 }) @IsYear() year!: number;
  @ApiProperty({ example: 50 }) @IsInt() @Min(0) @Max(1_000_000) trained!: number;
  @ApiProperty({ example: 48 }) @IsInt() @Min(0) @Max(1_000_000) sat!: number;
  @ApiProperty({ example: 45 }) @IsInt() @Min(0) @Max(1_000_000) passed!: number;
}

export class PilotResultsBatchItemDto extends PilotResultsDto {
  @ApiProperty({ example: '1X-2022-01' }) @IsEntityId() pilotId!: string;
}

export class PilotResultsView extends PilotResultsDto {}

export class CertificatePilotView {
  @ApiProperty() pilotId!: string;
  @ApiProperty() certificate!: string;
  @ApiProperty({ nullable: true, type: String }) level!: string | null;
  @ApiProperty() partnerId!: string;
  @ApiProperty({ type: [String] }) programCodes!: string[];
  @ApiProperty() launchedOn!: string;
  @ApiProperty({ type: [PilotResultsView] }) results!: PilotResultsView[];
  @ApiProperty({ description: 'Sequence of the latest event about this pilot' }) version!: number;
}

const toPilotResultsView = viewMapper(PilotResultsView, ['year', 'trained', 'sat', 'passed']);

export const toCertificatePilotView = viewMapper(
  CertificatePilotView,
  ['pilotId', 'certificate', 'level', 'partnerId', 'programCodes', 'launchedOn', 'results', 'version'],
  { results: toPilotResultsView },
);
